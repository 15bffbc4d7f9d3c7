; corpus/equivalent/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x25 (bvsub RSP (_ bv8 64))))
(let ((?x116 (bvadd ?x25 (_ bv8 64))))
(let (($x21 (and (distinct ?x116 RSP) true)))
(let (($x53 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x180 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x34 (= TF (_ bv0 1))))
(let (($x141 (= VM (_ bv0 1))))
(let (($x10 (= DF (_ bv0 1))))
(and $x10 $x141 $x34 $x180 (or $x53 $x21)))))))))))
(check-sat)
