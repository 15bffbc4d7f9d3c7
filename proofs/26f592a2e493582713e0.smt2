; corpus/equivalent/x86_64-read_cr0.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x159 (bvsub RSP (_ bv8 64))))
(let ((?x72 (bvadd ?x159 (_ bv8 64))))
(let (($x137 (and (distinct ?x72 RSP) true)))
(let (($x52 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x26 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x186 (= TF (_ bv0 1))))
(let (($x521 (= VM (_ bv0 1))))
(let (($x185 (= DF (_ bv0 1))))
(and $x185 $x521 $x186 $x26 (or $x52 $x137)))))))))))
(check-sat)
