; corpus/equivalent/x86_64-ident32-for-u32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x116 (bvsub RSP (_ bv8 64))))
(let ((?x173 (bvadd ?x116 (_ bv8 64))))
(let (($x104 (and (distinct ?x173 RSP) true)))
(let (($x10 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x203 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x189 (= TF (_ bv0 1))))
(let (($x41 (= VM (_ bv0 1))))
(let (($x62 (= DF (_ bv0 1))))
(and $x62 $x41 $x189 $x203 (or $x10 $x104)))))))))))
(check-sat)
