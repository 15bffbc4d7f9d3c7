; corpus/equivalent/x86_64-mfence.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x65 (bvsub RSP (_ bv8 64))))
(let ((?x182 (bvadd ?x65 (_ bv8 64))))
(let (($x199 (and (distinct ?x182 RSP) true)))
(let (($x84 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x134 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x196 (= TF (_ bv0 1))))
(let (($x22 (= VM (_ bv0 1))))
(let (($x116 (= DF (_ bv0 1))))
(and $x116 $x22 $x196 $x134 (or $x84 $x199)))))))))))
(check-sat)
