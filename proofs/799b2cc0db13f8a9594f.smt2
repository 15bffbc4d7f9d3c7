; corpus/history/5.13-altnot/5.13-x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6431 (bvsub RSP (_ bv8 64))))
(let ((?x3792 (bvadd ?x6431 (_ bv8 64))))
(let (($x310 (and (distinct ?x3792 RSP) true)))
(let (($x2075 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x12 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x4067 (= TF (_ bv0 1))))
(let (($x3915 (= VM (_ bv0 1))))
(let (($x279 (= DF (_ bv0 1))))
(and $x279 $x3915 $x4067 $x12 (or $x2075 $x310)))))))))))
(check-sat)
