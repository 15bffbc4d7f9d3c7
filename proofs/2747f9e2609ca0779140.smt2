; corpus/equivalent/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x120 (bvsub RSP (_ bv8 64))))
(let ((?x111 (bvadd ?x120 (_ bv8 64))))
(let (($x155 (and (distinct ?x111 RSP) true)))
(let (($x163 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x25 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x54 (= TF (_ bv0 1))))
(let (($x187 (= VM (_ bv0 1))))
(let (($x185 (= DF (_ bv0 1))))
(and $x185 $x187 $x54 $x25 (or $x163 $x155)))))))))))
(check-sat)
